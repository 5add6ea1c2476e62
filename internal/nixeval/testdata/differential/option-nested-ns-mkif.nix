# Probe: nested-ns-mkif (declared options: nixpkgs' check, merge and strictness)
{ config, lib, ... }: {
  options.svc = { enable = lib.mkEnableOption "x"; port = lib.mkOption { type = lib.types.port; default = 80; }; };
  config.svc = lib.mkIf true { enable = true; port = lib.mkForce 8080; };
  config.locals = lib.mkIf config.svc.enable { port = config.svc.port; };
}
