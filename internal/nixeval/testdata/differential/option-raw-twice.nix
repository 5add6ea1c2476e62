# Probe: raw-twice (declared options: nixpkgs' check, merge and strictness)
{ config, lib, ... }: { imports = [ { r = 1; } { r = 1; } ]; options.r = lib.mkOption { type = lib.types.raw; }; config.locals.r = config.r; }
