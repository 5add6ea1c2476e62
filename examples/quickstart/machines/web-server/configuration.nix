# The web server's NixOS configuration, as in any Clan (clan-core imports this file, and
# disko.nix and facter.json beside it, for machines/web-server).
#
# The terranix service (inventory/services/terranix.nix) makes this machine a workspace
# (machines/web-server/infrastructure.nix, after "shared") and gives it clan.terranix.*;
# config.clan.terranix.outputs holds what its last apply allocated
# (machines/web-server/terraform-outputs.json, written by clan-terranix).
{ config, lib, ... }:
{
  imports = [ ../../modules/terranix/default.nix ];

  clan.terranix.enable = true;

  services.nginx.enable = true;
  networking.firewall.allowedTCPPorts = [ 80 443 ];

  # `clan machines install` and later updates log in as root over SSH. The shared
  # workspace's deploy key reaches this machine through its outputs; add your own key too.
  services.openssh.enable = true;
  users.users.root.openssh.authorizedKeys.keys = lib.optional (
    config.clan.terranix.outputs ? authorized_key
  ) config.clan.terranix.outputs.authorized_key;

  # The hardware facts come from `clan machines install --update-hardware-config
  # nixos-facter` (the service's updateHardwareConfig setting), which writes
  # machines/web-server/facter.json; clan-core uses it as hardware.facter.reportPath.
  # Until then the machine has no hardware config and only its infrastructure evaluates.
  boot.loader.grub.enable = lib.mkDefault true;
}
