#!/usr/bin/perl
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0
#
# Writes a small GeoLite2-City-shaped database for the tests:
#
#   perl tests/support/make_test_mmdb.pl <output.mmdb>
#
# Every network but the last few is in a documentation range (RFC 5737:
# 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; RFC 3849: 2001:db8::/32);
# the last few are the single addresses Plausible's tests use, with the
# values MaxMind's test database gives them. The addresses the tests look up, and the columns they
# expect, are in tests/support/geo_test_data.h: keep the two in step.
#
# The records follow the GeoLite2-City layout (country.iso_code,
# subdivisions[].iso_code, city.geoname_id, with names in "en" only); one
# record has the DB-IP lite shape (subdivision and city names without codes
# or ids), and three carry the codes Plausible ignores (ZZ, XX, T1).
use strict;
use warnings;

use MaxMind::DB::Writer::Tree;

die "usage: $0 <output.mmdb>\n" unless @ARGV == 1;
my $output = $ARGV[0];

my %types = (
    city                => 'map',
    continent           => 'map',
    country             => 'map',
    registered_country  => 'map',
    subdivisions        => [ 'array', 'map' ],
    location            => 'map',
    names               => 'map',
    en                  => 'utf8_string',
    code                => 'utf8_string',
    iso_code            => 'utf8_string',
    geoname_id          => 'uint32',
    time_zone           => 'utf8_string',
    latitude            => 'double',
    longitude           => 'double',
);

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 28,
    database_type         => 'GeoLite2-City',
    languages             => ['en'],
    description           => { en => 'sinkhost test database (documentation ranges only)' },
    map_key_type_callback => sub { $types{ $_[0] } },
    # IPv4 lookups in an IPv6 tree go through ::ffff:0:0/96 as in GeoLite2.
    alias_ipv6_to_ipv4 => 1,
    # The documentation ranges are "reserved"; the default would drop them.
    remove_reserved_networks => 0,
);

sub country {
    my ( $iso, $geoname_id, $name ) = @_;
    return { iso_code => $iso, geoname_id => $geoname_id, names => { en => $name } };
}

sub subdivision {
    my ( $iso, $geoname_id, $name ) = @_;
    return { iso_code => $iso, geoname_id => $geoname_id, names => { en => $name } };
}

sub city {
    my ( $geoname_id, $name ) = @_;
    return { geoname_id => $geoname_id, names => { en => $name } };
}

my @records = (
    # A city in one subdivision (kGeoUsCaliforniaIp).
    [   '203.0.113.0/26',
        {   continent    => { code => 'NA', geoname_id => 6255149 },
            country      => country( 'US', 6252001, 'United States' ),
            registered_country => country( 'US', 6252001, 'United States' ),
            subdivisions => [ subdivision( 'CA', 5332921, 'California' ) ],
            city         => city( 5391959, 'San Francisco' ),
            location     => { latitude => 37.7749, longitude => -122.4194,
                              time_zone => 'America/Los_Angeles' },
        }
    ],
    # Two subdivision levels, as Plausible's own test address 2.125.160.216
    # (kGeoGbTwoSubdivisionsIp).
    [   '198.51.100.0/25',
        {   continent    => { code => 'EU', geoname_id => 6255148 },
            country      => country( 'GB', 2635167, 'United Kingdom' ),
            subdivisions => [
                subdivision( 'ENG', 6269131, 'England' ),
                subdivision( 'WBK', 3333217, 'West Berkshire' ),
            ],
            city => city( 2655045, 'Boxford' ),
        }
    ],
    # A district whose city id Plausible rewrites to the city's
    # (Floridsdorf -> Vienna; kGeoCityOverrideIp).
    [   '198.51.100.192/26',
        {   country      => country( 'AT', 2782113, 'Austria' ),
            subdivisions => [ subdivision( '9', 2761367, 'Vienna' ) ],
            city         => city( 2779467, 'Floridsdorf' ),
        }
    ],
    # Country only (kGeoCountryOnlyIp).
    [ '192.0.2.0/26', { country => country( 'DE', 2921044, 'Germany' ) } ],
    # The codes Plausible drops, with everything else that goes with them.
    [   '192.0.2.64/28',
        {   country      => { iso_code => 'ZZ' },
            subdivisions => [ subdivision( 'ZZ1', 1, 'Nowhere' ) ],
            city         => city( 1, 'Nowhere' ),
        }
    ],
    [ '192.0.2.80/28', { country => { iso_code => 'XX' }, city => city( 2, 'Disputed' ) } ],
    [ '192.0.2.96/28', { country => { iso_code => 'T1' }, city => city( 3, 'Tor' ) } ],
    # Only a registered country (Plausible reads country.iso_code alone).
    [ '192.0.2.112/28', { registered_country => country( 'US', 6252001, 'United States' ) } ],
    # The DB-IP lite shape: names, but no subdivision codes and no city id.
    [   '192.0.2.128/26',
        {   country      => { iso_code => 'FR', names => { en => 'France' } },
            subdivisions => [ { names => { en => 'Ile-de-France' } } ],
            city         => { names => { en => 'Paris' } },
        }
    ],
    # IPv6 (kGeoIpv6Ip).
    [   '2001:db8::/48',
        {   continent    => { code => 'AS', geoname_id => 6255147 },
            country      => country( 'JP', 1861060, 'Japan' ),
            subdivisions => [ subdivision( '13', 1850144, 'Tokyo' ) ],
            city         => city( 1850147, 'Tokyo' ),
        }
    ],
    # IPv6, country only (kGeoIpv6CountryOnlyIp).
    [ '2001:db8:1::/48', { country => country( 'CA', 6251999, 'Canada' ) } ],

    # The addresses Plausible's own tests look up (external_controller_test.exs,
    # against MaxMind's test database), with the values those tests expect,
    # so that tests/e2e/plausible_enrichment_compat_test.cc sends the same
    # requests (kPlausibleGeo* in geo_test_data.h).
    [   '2.125.160.216/32',
        {   country      => country( 'GB', 2635167, 'United Kingdom' ),
            subdivisions => [
                subdivision( 'ENG', 6269131, 'England' ),
                subdivision( 'WBK', 3333217, 'West Berkshire' ),
            ],
            city => city( 2655045, 'Boxford' ),
        }
    ],
    [ '216.160.83.56/32', { country => country( 'US', 6252001, 'United States' ) } ],
    [ '2001:218::/32',    { country => country( 'JP', 1861060, 'Japan' ) } ],
    [ '0.0.0.0/32',       { country => { iso_code => 'ZZ' } } ],
    [ '0.0.0.1/32',       { country => { iso_code => 'XX' } } ],
    [ '0.0.0.2/32',       { country => { iso_code => 'T1' } } ],
);

$tree->insert_network( $_->[0], $_->[1] ) for @records;

open my $fh, '>:raw', $output or die "$0: cannot write $output: $!\n";
$tree->write_tree($fh);
close $fh or die "$0: cannot write $output: $!\n";
