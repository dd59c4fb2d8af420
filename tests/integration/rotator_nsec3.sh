#!/bin/bash
# rotator_nsec3: the whole rotator_dns test with nsec_mode = nsec3 (unbound
# validates the NSEC3 denial of the missing TLSA records).
NSEC_MODE=nsec3 exec bash "$(dirname "$0")/rotator_dns.sh"
