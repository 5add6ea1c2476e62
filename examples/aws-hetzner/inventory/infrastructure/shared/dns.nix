# The DNS zone machines register in. Replace the name with a domain you own.
{
  resource.aws_route53_zone.main.name = "example.org";

  output.zone_id.value = "\${aws_route53_zone.main.zone_id}";
  output.zone_name.value = "\${aws_route53_zone.main.name}";
}
