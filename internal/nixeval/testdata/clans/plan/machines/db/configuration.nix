{ config, lib, pkgs, ... }:
{
  environment.systemPackages = [ pkgs.postgresql ];
  networking.firewall.allowedTCPPorts = [ 5432 ];
}
