# Probe: force-if (magic merge and module collection corner)
{ lib, ... }: { imports = [ { locals.x = lib.mkForce (lib.mkIf false { a = 1; }); } { locals.x = { b = 2; }; } ]; }
