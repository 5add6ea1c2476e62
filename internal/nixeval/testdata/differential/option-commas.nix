# Probe: commas (declared options: nixpkgs' check, merge and strictness)
{ config, lib, ... }: { imports = [ { c = "a"; } { c = "b"; } ]; options.c = lib.mkOption { type = lib.types.commas; }; config.locals.c = config.c; }
