# Probe: bool-or (declared options: nixpkgs' check, merge and strictness)
{ config, lib, ... }: { imports = [ { b = true; } { b = false; } ]; options.b = lib.mkOption { }; config.locals.b = config.b; }
