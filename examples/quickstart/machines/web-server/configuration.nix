# The web server's NixOS configuration, as in any Clan.
{ ... }:
{
  imports = [ ../../modules/terranix/default.nix ];

  clan.terranix = {
    enable = true;
    infrastructure = ./infrastructure.nix;
    dependsOn = [ "shared" ];
  };

  services.nginx.enable = true;
  networking.firewall.allowedTCPPorts = [ 80 443 ];
}
