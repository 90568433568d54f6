// "Add to shortlist" / "Remove from shortlist" in place: progressive enhancement of the forms in
// templates/components/shortlist_button.html (those marked data-shortlist-live).
//
// Without JavaScript the form posts and the page comes back at the same card. With it, the
// form is sent in the background; the button changes to the other action, the header's
// "Shortlist (n)" count changes, and a status region announces what happened, so the page
// does not move and focus stays on the button. Any failure (the shortlist is full, the
// network) falls back to sending the form normally, which shows the reason.

const LABELS = { add: 'Add to shortlist', remove: 'Remove from shortlist' }

function statusRegion () {
  let region = document.querySelector('[data-shortlist-status]')
  if (!region) {
    region = document.createElement('div')
    region.className = 'govuk-visually-hidden'
    region.setAttribute('role', 'status')
    region.setAttribute('data-shortlist-status', '')
    ;(document.querySelector('main') || document.body).appendChild(region)
  }
  return region
}

function show (form, inShortlist) {
  form.action = inShortlist ? form.dataset.removeAction : form.dataset.addAction
  const label = form.querySelector('[data-shortlist-label]')
  if (label) label.textContent = inShortlist ? LABELS.remove : LABELS.add
}

function send (form) {
  const button = form.querySelector('button[type=submit]')
  if (form.dataset.busy) return
  form.dataset.busy = 'true'
  if (button) button.setAttribute('aria-disabled', 'true')
  window.fetch(form.action, {
    method: 'POST',
    body: new window.FormData(form),
    headers: { 'X-Requested-With': 'fetch', Accept: 'application/json' },
    credentials: 'same-origin'
  })
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      return response.json()
    })
    .then((result) => {
      const service = form.querySelector('[name=service]').value
      // The same service may have a button elsewhere on the page.
      for (const other of document.querySelectorAll('form[data-shortlist-live]')) {
        const field = other.querySelector('[name=service]')
        if (field && field.value === service) show(other, result.in_shortlist)
      }
      const link = document.getElementById('shortlist-link')
      if (link) link.textContent = `Shortlist (${result.count})`
      statusRegion().textContent = result.message || ''
    })
    .catch(() => form.submit())
    .finally(() => {
      delete form.dataset.busy
      if (button) button.removeAttribute('aria-disabled')
    })
}

if (window.fetch && window.FormData) {
  statusRegion()
  // Delegated: the search page swaps its result cards in (static/js/search.js).
  document.addEventListener('submit', (event) => {
    const form = event.target
    if (!(form instanceof window.HTMLFormElement) || !form.matches('form[data-shortlist-live]')) return
    event.preventDefault()
    send(form)
  })
}
