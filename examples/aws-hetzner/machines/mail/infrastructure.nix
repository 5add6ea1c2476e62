# A Hetzner Cloud server, registered in the shared (AWS) DNS zone.
{ machine, ... }:
{
  resource.hcloud_ssh_key.deploy = {
    name = "${machine.name}-deploy";
    public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlaceholderReplaceWithYourOwnKeyxxxxxxxx admin";
  };

  resource.hcloud_server.${machine.name} = {
    name = machine.name;
    server_type = "cx22";
    image = "debian-12";
    location = "nbg1";
    ssh_keys = [ "\${hcloud_ssh_key.deploy.id}" ];
    public_net = {
      ipv4_enabled = true;
      ipv6_enabled = true;
    };
  };

  resource.aws_route53_record.mail = {
    provider = "aws";
    zone_id = "\${data.terraform_remote_state.shared.outputs.zone_id}";
    name = "mail.\${data.terraform_remote_state.shared.outputs.zone_name}";
    type = "AAAA";
    ttl = 300;
    records = [ "\${hcloud_server.${machine.name}.ipv6_address}" ];
  };

  imports = [ ../../inventory/infrastructure/providers/aws.nix ];

  output.instance_id.value = "\${hcloud_server.${machine.name}.id}";
  output.ipv4_address.value = "\${hcloud_server.${machine.name}.ipv4_address}";
  output.ipv6_address.value = "\${hcloud_server.${machine.name}.ipv6_address}";
}
