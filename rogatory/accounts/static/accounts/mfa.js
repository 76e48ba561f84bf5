// After a security key or passkey is registered (django-otp-webauthn's event), go to the page
// that shows the recovery codes or the security page. No inline script (CSP).
document.addEventListener("otp_webauthn.register_complete", () => {
  const placeholder = document.querySelector("[data-after-register]");
  if (placeholder) window.location.assign(placeholder.dataset.afterRegister);
});
