{ imports = [ ./c.nix ./d.nix ]; locals.order = [ "b" ]; }
