{ imports = [ ./d.nix ]; locals.order = [ "c" ]; }
