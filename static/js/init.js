// Start GOV.UK Frontend components. Load with:
//   <script type="module" src="{% static 'js/init.js' %}"></script>
// The page should also have, straight after <body>:
//   <script>document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');</script>
// The classList line below is a fallback if that snippet is missing (a module
// script only runs in browsers that GOV.UK Frontend supports).
import { initAll } from './govuk-frontend.min.js'
// Shortlist buttons that change in place, without reloading the page.
import './shortlist.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
