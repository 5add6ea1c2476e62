# Probe: mkoption-unknown-attr (declared options: nixpkgs' check, merge and strictness)
{ config, lib, ... }: { options.x = lib.mkOption { default = 1; descriptin = "typo"; }; config.locals.x = config.x; }
