# The shared private network machines join.
{
  imports = [ ../providers/hetzner.nix ];

  resource.hcloud_network.main = {
    name = "clan-main";
    ip_range = "10.0.0.0/16";
  };

  resource.hcloud_network_subnet.main = {
    network_id = "\${hcloud_network.main.id}";
    type = "cloud";
    network_zone = "eu-central";
    ip_range = "10.0.1.0/24";
  };

  output.network_id.value = "\${hcloud_network.main.id}";
}
