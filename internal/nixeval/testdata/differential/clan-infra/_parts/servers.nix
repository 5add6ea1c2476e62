{ lib, ... }:
let
  nixos-anywhere = { type = "derivation"; name = "nixos-anywhere-1.3.0"; outPath = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-anywhere-1.3.0"; meta.mainProgram = "nixos-anywhere"; };
  servers = { web01 = "cx32"; web02 = "cx22"; };
in
{
  resource.hcloud_ssh_key.admin = { name = "admin"; public_key = "\${file(\"~/.ssh/id_ed25519.pub\")}"; };
  resource.hcloud_server = lib.mapAttrs (name: type: {
    inherit name;
    server_type = type;
    image = "debian-12";
    location = "fsn1";
    ssh_keys = [ "\${hcloud_ssh_key.admin.id}" ];
    labels.managed-by = "terranix";
  }) servers;
  resource.null_resource = lib.mapAttrs' (name: _: lib.nameValuePair "install_${name}" {
    triggers.server = "\${hcloud_server.${name}.id}";
    provisioner.local-exec.command = "${lib.getExe nixos-anywhere} --flake .#${name} root@\${hcloud_server.${name}.ipv4_address}";
  }) servers;
}
