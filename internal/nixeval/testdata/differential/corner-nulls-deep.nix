# Probe: nulls-deep (magic merge and module collection corner)
{ resource.a.b = { x = null; y = [ null { z = null; } ]; w = { }; }; locals.n = null; }
