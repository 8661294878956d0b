// Behaviour shared by every page (no inline scripts or handlers: the Content-Security-Policy
// forbids them). <select data-autosubmit> submits its form on change; [data-print] prints the page.
(function () {
  document.addEventListener("change", function (e) {
    const el = e.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (e) {
    const el = e.target && e.target.closest ? e.target.closest("[data-print]") : null;
    if (el) { e.preventDefault(); window.print(); }
    // The demo logins on the login page: a click fills the form.
    const row = e.target && e.target.closest ? e.target.closest("[data-fill-username]") : null;
    if (row) {
      const user = document.getElementById("id_username");
      const password = document.getElementById("id_password");
      if (user) user.value = row.dataset.fillUsername;
      if (password) password.value = row.dataset.fillPassword || "";
    }
  });
})();
