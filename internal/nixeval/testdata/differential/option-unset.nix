# Probe: unset (declared options: nixpkgs' check, merge and strictness)
{ config, lib, ... }: { options.s = lib.mkOption { type = lib.types.str; }; config.locals.s = config.s; }
