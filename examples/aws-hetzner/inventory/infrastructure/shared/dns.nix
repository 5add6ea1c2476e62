# The DNS zone every machine registers in.
{
  resource.aws_route53_zone.main.name = "example.org";

  output.zone_id.value = "\${aws_route53_zone.main.zone_id}";
  output.zone_name.value = "\${aws_route53_zone.main.name}";
}
