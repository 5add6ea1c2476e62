# The plan's machine example; the plan's config.networking.hostName is
# machine.name here.
{ config, machine, ... }:
{
  resource.aws_security_group.web = {
    name = "${machine.name}-sg";
    vpc_id = "\${data.terraform_remote_state.shared.outputs.vpc_id}";

    ingress = [{
      from_port = 80;
      to_port = 80;
      protocol = "tcp";
      cidr_blocks = ["0.0.0.0/0"];
    }];
  };

  resource.aws_instance.web = {
    ami = "ami-12345";
    instance_type = "t3.micro";
    subnet_id = "\${data.terraform_remote_state.shared.outputs.subnet_id}";
    vpc_security_group_ids = [ (config.resource.aws_security_group.web "id") ];
  };
}
