# A reusable module with mkEnableOption and mkIf config (the common shape).
{ config, lib, ... }:
let cfg = config.monitoring; in
{
  imports = [{
    options.monitoring = {
      enable = lib.mkEnableOption "uptime checks";
      targets = lib.mkOption { type = lib.types.attrsOf lib.types.str; default = { }; };
      interval = lib.mkOption { type = lib.types.int; default = 60; };
    };
  }];
  config = lib.mkMerge [
    { monitoring.enable = true; monitoring.targets = { web = "https://web.example.com"; api = "https://api.example.com"; }; }
    (lib.mkIf cfg.enable {
      resource.betteruptime_monitor = lib.mapAttrs (_: url: { inherit url; monitor_type = "status"; check_frequency = cfg.interval; }) cfg.targets;
    })
  ];
}
