# Reusable template: a Hetzner Cloud server in the shared network. Call it with
# parameters and import the result:
#   imports = [ (import ../../inventory/infrastructure/modules/hcloud-server.nix { name = "web"; }) ];
{
  name,
  serverType ? "cx22",
  location ? "nbg1",
  privateIp ? null,
}:
{
  resource.hcloud_server.${name} = {
    inherit name location;
    server_type = serverType;
    # Any image will do: clan machines install replaces it with NixOS.
    image = "debian-12";
    ssh_keys = [ "\${data.terraform_remote_state.shared.outputs.ssh_key_id}" ];
    firewall_ids = [ "\${data.terraform_remote_state.shared.outputs.ssh_firewall_id}" ];
    public_net = {
      ipv4_enabled = true;
      ipv6_enabled = true;
    };
    network = [
      {
        network_id = "\${data.terraform_remote_state.shared.outputs.network_id}";
        ip = privateIp;
      }
    ];
  };

  # instance_id: a new id means a new machine (install needs --reinstall);
  # ipv4_address: where `clan-terranix install` finds it.
  output.instance_id.value = "\${hcloud_server.${name}.id}";
  output.ipv4_address.value = "\${hcloud_server.${name}.ipv4_address}";
  output.ipv6_address.value = "\${hcloud_server.${name}.ipv6_address}";
}
