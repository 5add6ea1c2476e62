# Probe: unused-bad (declared options: nixpkgs' check, merge and strictness)
{ config, lib, ... }: { options.s = lib.mkOption { type = lib.types.str; }; config.s = 5; config.locals.x = 1; }
