// Starts Swagger UI on the docs page. A file rather than an inline script so the page's
// Content-Security-Policy can stay 'self' for scripts we write. The spec URL comes from the page
// (it knows the configured base path); "Try it out" then calls the document's server, /v1.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
