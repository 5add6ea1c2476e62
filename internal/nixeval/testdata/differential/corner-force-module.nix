# Probe: force-module (magic merge and module collection corner)
{ lib, ... }: { imports = [ (lib.mkForce { resource.x.y.a = 1; }) { resource.x.y.a = 2; resource.x.z.b = 1; } ]; }
