# Reusable template: an EC2 instance with its own security group in the shared VPC, and
# its DNS name. Call it with parameters and import the result:
#   imports = [ (import ../../inventory/infrastructure/modules/ec2-with-sg.nix { name = "web"; }) ];
{
  name,
  instanceType ? "t3.micro",
  ami ? "ami-0c0d3776ef525d5dd", # a NixOS or Debian image of your region; installed over anyway
  ports ? [ ],
}:
{
  resource.aws_security_group.${name} = {
    name = "${name}-sg";
    vpc_id = "\${data.terraform_remote_state.shared.outputs.vpc_id}";
    ingress = map (port: {
      from_port = port;
      to_port = port;
      protocol = "tcp";
      cidr_blocks = [ "0.0.0.0/0" ];
    }) ports;
    egress = [
      {
        from_port = 0;
        to_port = 0;
        protocol = "-1";
        cidr_blocks = [ "0.0.0.0/0" ];
      }
    ];
  };

  resource.aws_instance.${name} = {
    inherit ami;
    instance_type = instanceType;
    subnet_id = "\${data.terraform_remote_state.shared.outputs.subnet_id}";
    key_name = "\${data.terraform_remote_state.shared.outputs.key_name}";
    vpc_security_group_ids = [
      "\${aws_security_group.${name}.id}"
      "\${data.terraform_remote_state.shared.outputs.ssh_security_group_id}"
    ];
    root_block_device.volume_size = 30;
    tags.Name = name;
  };

  resource.aws_route53_record.${name} = {
    zone_id = "\${data.terraform_remote_state.shared.outputs.zone_id}";
    name = "${name}.\${data.terraform_remote_state.shared.outputs.zone_name}";
    type = "A";
    ttl = 300;
    records = [ "\${aws_instance.${name}.public_ip}" ];
  };

  # instance_id: a new id means a new machine (install needs --reinstall);
  # ipv4_address: where `clan-terranix install` finds it.
  output.instance_id.value = "\${aws_instance.${name}.id}";
  output.ipv4_address.value = "\${aws_instance.${name}.public_ip}";
  output.private_ip.value = "\${aws_instance.${name}.private_ip}";
}
