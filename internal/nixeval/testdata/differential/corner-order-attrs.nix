# Probe: order-attrs (magic merge and module collection corner)
{ lib, ... }: { imports = [ { locals.x = lib.mkBefore { a = 1; }; } { locals.x = { b = 1; }; } ]; }
