// Live results on the search page (templates/search/search_page.html): progressive enhancement.
//
// Without JavaScript the page is a plain GET form with an "Apply filters" button (and a "Sort"
// button beside "Sort by", which sits at the top of the results). With it, a
// change to a filter (a checkbox, radio or select, "Sort by" included), a submit, a pagination or "remove filter"
// link fetches the same GET URL the form would load, swaps in the results region, the filter
// form (its facet counts change) and the error summary, puts the URL in the address bar (so
// the search can still be bookmarked and shared) and announces the new heading through an
// aria-live region. Typing in a text box does not fetch: the search starts on Enter or a
// button, as without JavaScript. Any failure falls back to loading the page normally.

const form = document.querySelector('[data-search-form]')
const results = document.querySelector('[data-search-results]')
const errors = document.querySelector('[data-search-errors]')
const status = document.querySelector('[data-search-status]')
const DELAY_MS = 250

let controller = null
let timer = null

function searchUrl () {
  const params = new URLSearchParams()
  for (const [name, value] of new FormData(form)) {
    // Empty values and the default sort only lengthen the address.
    if (String(value).trim() === '' || (name === 'sort' && value === 'relevance')) continue
    params.append(name, value)
  }
  const base = form.getAttribute('action') || window.location.pathname
  const query = params.toString()
  return query ? `${base}?${query}` : base
}

function isTextInput (element) {
  return element instanceof HTMLInputElement &&
    ['text', 'search', 'number', 'email', 'tel', 'url'].includes(element.type)
}

// Replace the form's fields and the results (new counts, the price unit of the category,
// "Distance" as a sort once there is a postcode) without losing the person's place or typing,
// nor closing the filters they opened on a phone.
function replaceFormAndResults (newForm, newResults) {
  const active = document.activeElement
  const activeId = active && (form.contains(active) || results.contains(active)) ? active.id : ''
  const typing = active && isTextInput(active) ? active.value : null
  const filters = form.querySelector('[data-filters]')
  const filtersOpen = filters ? filters.open : false
  results.innerHTML = newResults.innerHTML
  form.innerHTML = newForm.innerHTML
  const newFilters = form.querySelector('[data-filters]')
  if (newFilters && filtersOpen) newFilters.open = true
  if (activeId) {
    const again = document.getElementById(activeId)
    if (again) {
      if (typing !== null) again.value = typing
      again.focus({ preventScroll: true })
    }
  }
}

function announce (doc) {
  const heading = results.querySelector('[data-results-heading]')
  const problem = doc.querySelector('[data-search-errors] .govuk-error-summary__list')
  const parts = []
  if (problem) {
    const text = problem.textContent.replace(/\s+/g, ' ').trim()
    parts.push(`There is a problem: ${/[.!?]$/.test(text) ? text : `${text}.`}`)
  }
  if (heading) parts.push(heading.textContent.replace(/\s+/g, ' ').trim())
  status.textContent = parts.join(' ')
}

function update (url, { push = true, focusResults = false } = {}) {
  if (controller) controller.abort()
  controller = new AbortController()
  results.setAttribute('aria-busy', 'true')
  window.fetch(url, {
    headers: { 'X-Requested-With': 'fetch' },
    credentials: 'same-origin',
    signal: controller.signal
  })
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      return response.text()
    })
    .then((html) => {
      const doc = new window.DOMParser().parseFromString(html, 'text/html')
      const newResults = doc.querySelector('[data-search-results]')
      const newForm = doc.querySelector('[data-search-form]')
      if (!newResults || !newForm) throw new Error('Not a search page')
      const newErrors = doc.querySelector('[data-search-errors]')
      if (errors && newErrors) errors.innerHTML = newErrors.innerHTML
      replaceFormAndResults(newForm, newResults)
      document.title = doc.title
      if (push) window.history.pushState({ search: true }, '', url)
      announce(doc)
      if (focusResults) {
        const heading = results.querySelector('[data-results-heading]')
        if (heading) {
          heading.setAttribute('tabindex', '-1')
          heading.focus()
        }
      }
    })
    .catch((error) => {
      if (error.name !== 'AbortError') window.location.assign(url)
    })
    .finally(() => results.removeAttribute('aria-busy'))
}

function sameSearchLink (link) {
  return link && link.origin === window.location.origin &&
    link.pathname === new URL(form.getAttribute('action') || '', window.location.href).pathname
}

// "Distance" is a sort as soon as a postcode is typed (the server offers it once one is given).
function offerDistance () {
  const postcode = form.querySelector('[name=postcode]')
  const sort = document.querySelector('select[name=sort]')
  if (!postcode || !sort) return
  const option = sort.querySelector('option[value=distance]')
  if (postcode.value.trim() && !option) {
    const distance = new window.Option('Distance (nearest first)', 'distance')
    sort.add(distance, sort.options.length > 1 ? 1 : null)
  } else if (!postcode.value.trim() && option && !option.selected) {
    option.remove()
  }
}

if (form && results && status && window.fetch && window.DOMParser && window.URLSearchParams) {
  const onChange = (event) => {
    if (isTextInput(event.target) || event.target.form !== form) return
    window.clearTimeout(timer)
    timer = window.setTimeout(() => update(searchUrl()), DELAY_MS)
  }
  form.addEventListener('change', onChange)
  // "Sort by" sits at the top of the results, in the form through its form attribute.
  results.addEventListener('change', onChange)
  form.addEventListener('input', (event) => {
    if (event.target.name === 'postcode') offerDistance()
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    window.clearTimeout(timer)
    update(searchUrl(), { focusResults: true })
  })
  results.addEventListener('click', (event) => {
    const link = event.target.closest('a')
    if (!sameSearchLink(link) || event.ctrlKey || event.metaKey || event.shiftKey) return
    event.preventDefault()
    update(link.href, { focusResults: true })
  })
  window.addEventListener('popstate', () => update(window.location.href, { push: false }))
}
