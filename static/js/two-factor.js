// Two-factor sign-in: after django-otp-webauthn registers a passkey, go where the server says (the new
// recovery codes, shown once, or the device list). Verification redirects by itself.
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const response = event.detail && event.detail.response;
  const container = document.getElementById("passkey-registration");
  const next = (response && response.next) || (container && container.dataset.next);
  if (next) window.location.assign(next);
});
