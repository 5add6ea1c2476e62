{ lib, machine, ... }: {
  imports = [ lib.clanInfra.modules.ec2-with-sg ];
  resource.aws_instance.${machine.name}.ami = "ami-db";
  output.db_host.value = "\${aws_instance.${machine.name}.private_ip}";
}
