// The print button on the code sheet (a separate file: the CSP allows no inline script).
document.getElementById("print").addEventListener("click", () => window.print());
