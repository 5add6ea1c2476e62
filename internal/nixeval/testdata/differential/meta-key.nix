# `meta` is no module key in shorthand form: it is configuration, and no Terranix option.
{ meta.description = "x"; resource.null_resource.x = { }; }
