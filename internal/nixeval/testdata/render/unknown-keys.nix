{
  resources.aws_instance.web.ami = "ami-1";
  outputs.x.value = 1;
  completely_different = 1;
  check.health."assert" = [ { condition = true; error_message = "ok"; } ];
  _meta.note = "never rendered";
}
