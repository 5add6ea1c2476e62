# Probe: nullor-mixed (declared options: nixpkgs' check, merge and strictness)
{ config, lib, ... }: { imports = [ { g = null; } { g = "x"; } ]; options.g = lib.mkOption { type = lib.types.nullOr lib.types.str; default = null; }; config.locals.g = config.g; }
