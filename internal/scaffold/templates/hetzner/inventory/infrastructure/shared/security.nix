# Shared security: the key machines are installed with, and a firewall for SSH.
{
  resource.hcloud_ssh_key.deploy = {
    name = "clan-deploy";
    # Replace with your own public key (the one `clan machines install -i` uses).
    public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIReplaceWithYourOwnPublicKeyxxxxxxxxxxxx admin";
  };

  resource.hcloud_firewall.ssh = {
    name = "clan-ssh";
    rule = [
      {
        direction = "in";
        protocol = "tcp";
        port = "22";
        source_ips = [ "0.0.0.0/0" "::/0" ];
      }
    ];
  };

  output.ssh_key_id.value = "\${hcloud_ssh_key.deploy.id}";
  output.ssh_firewall_id.value = "\${hcloud_firewall.ssh.id}";
}
