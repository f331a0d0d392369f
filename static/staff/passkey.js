// After a passkey is added on the enrolment page, go on to the recovery codes, as the
// authenticator app's form does (django-otp-webauthn only shows that it worked).
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const button = event.target.closest("[data-next]") || document.querySelector("[data-next]");
  const next = new URLSearchParams(window.location.search).get("next");
  const target = new URL(button.dataset.next, window.location.origin);
  if (next) target.searchParams.set("next", next);
  window.location.assign(target);
});
