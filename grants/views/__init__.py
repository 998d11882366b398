"""Pages for grants, one module per topic. Views are thin: find what the user may see, call a service, render."""
