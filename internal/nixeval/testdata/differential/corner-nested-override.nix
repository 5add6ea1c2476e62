# Probe: nested-override (magic merge and module collection corner)
{ lib, ... }: { imports = [ { locals.x.y = lib.mkDefault [ 1 ]; } { locals.x.y = lib.mkDefault [ 2 ]; } { locals.x.z = lib.mkOverride 1200 "z"; } ]; }
