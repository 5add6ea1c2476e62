{ imports = [ ./c.nix { locals.order = [ "anon-a" ]; } ]; locals.order = [ "a" ]; }
