# Reusable template: an instance with its own security group (the plan's ec2-with-sg.nix).
# Call it with parameters and import the result:
#   imports = [ (import ../../inventory/infrastructure/modules/instance.nix { name = "web"; }) ];
# It reads the shared network through remote state; clan-terranix wires the
# data.terraform_remote_state.shared block and orders `shared` first.
{
  name,
  ports ? [ 22 ],
  size ? "small",
}:
{
  resource.terraform_data."${name}_sg".input = {
    name = "${name}-sg";
    vpc_id = "\${data.terraform_remote_state.shared.outputs.vpc_id}";
    ingress = map (port: {
      from_port = port;
      to_port = port;
      protocol = "tcp";
      cidr_blocks = [ "0.0.0.0/0" ];
    }) ports;
  };

  resource.random_pet.${name}.prefix = name;

  resource.terraform_data.${name}.input = {
    hostname = "\${random_pet.${name}.id}";
    inherit size;
    subnet_id = "\${data.terraform_remote_state.shared.outputs.subnet_id}";
    security_group = "\${terraform_data.${name}_sg.id}";
    ipv4_address = "\${cidrhost(data.terraform_remote_state.shared.outputs.subnet_cidr, 10)}";
  };

  output.instance_id.value = "\${terraform_data.${name}.id}";
  output.ipv4_address.value = "\${terraform_data.${name}.output.ipv4_address}";
}
