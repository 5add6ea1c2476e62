# Terranix's own `users` option (a submodule of publicKey).
{ config, lib, ... }:
{
  users.admins.alice.publicKey = "ssh-ed25519 AAAAalice";
  users.admins.bob.publicKey = "ssh-ed25519 AAAAbob";
  resource.hcloud_ssh_key = lib.mapAttrs (name: u: { inherit name; public_key = u.publicKey; }) config.users.admins;
}
