package check

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/plan"
)

// Server reads what a SAML or LDAP check needs beyond the live snapshot
// (authentik.Client does it).
type Server interface {
	SAMLMetadata(ctx context.Context, pk int32) (string, error)
	OutpostHealth(ctx context.Context, uuid string) ([]authentik.OutpostInstance, error)
}

// ProviderInput is what a check of an application without outputs (a SAML
// or LDAP one: its client is configured by hand from provision show)
// compares.
type ProviderInput struct {
	Slug   string
	Groups []string // the manifest's access groups
	Live   *plan.Live
	// ACSURL and BaseDN are the manifest's values ("" when not declared).
	ACSURL string
	BaseDN string
	// Show is the command that lists what the client needs.
	Show string
}

// SAML checks authentik's half of a SAML login: the provider exists, its
// metadata is served and names the issuer, the ACS URL is the manifest's
// (and https), assertions are signed with a certificate the metadata
// carries, and the access groups are bound.
func SAML(ctx context.Context, s Server, in ProviderInput) []Item {
	var items []Item
	add := adderFor(&items)
	app, prov := providerOf(add, in.Live, in.Slug, "saml", "SAML")
	if app == nil {
		return items
	}
	d := prov.SAML()
	meta, err := s.SAMLMetadata(ctx, prov.PK)
	switch {
	case err != nil:
		add("metadata", Fail, "%v", err)
	case !strings.Contains(meta, "EntityDescriptor"):
		add("metadata", Fail, "authentik serves no metadata for provider %q", prov.Name)
	default:
		add("metadata", Pass, "%s", d.MetadataURL)
		if got := entityID(meta); got == d.Issuer {
			add("IdP entity ID (issuer)", Pass, "%s", got)
		} else {
			add("IdP entity ID (issuer)", Fail, "the metadata names %q, the provider's issuer is %q", got, d.Issuer)
		}
	}
	switch u, err := url.Parse(d.ACSURL); {
	case in.ACSURL != "" && d.ACSURL != in.ACSURL:
		add("ACS URL", Fail, "authentik has %q, the manifest %q; run apply", d.ACSURL, in.ACSURL)
	case err != nil || u.Host == "":
		add("ACS URL", Fail, "%q is not an absolute URL", d.ACSURL)
	case u.Scheme != "https" && !isLoopback(u.Hostname()):
		add("ACS URL", Warn, "%s is not https: assertions cross the network in clear", d.ACSURL)
	default:
		add("ACS URL", Pass, "%s", d.ACSURL)
	}
	switch {
	case d.SigningKP == "":
		add("signing certificate", Warn, "assertions are not signed (no signing_kp): most service providers refuse them")
	case !d.SignAssertion && !d.SignResponse:
		add("signing certificate", Fail, "a signing key pair is set, but neither sign_assertion nor sign_response")
	case err == nil && meta != "" && !strings.Contains(meta, "X509Certificate"):
		add("signing certificate", Fail, "the metadata carries no signing certificate")
	default:
		add("signing certificate", Pass, "signed with %s", keyPairName(in.Live, d.SigningKP))
	}
	groupItems(add, in.Live, app, in.Groups)
	return items
}

// LDAP checks an LDAP application: the provider exists with the manifest's
// base DN, an LDAP outpost serves it, that outpost has running instances,
// and the access groups are bound (binds are checked against them).
func LDAP(ctx context.Context, s Server, in ProviderInput) []Item {
	var items []Item
	add := adderFor(&items)
	app, prov := providerOf(add, in.Live, in.Slug, "ldap", "LDAP")
	if app == nil {
		return items
	}
	d := prov.LDAP()
	switch {
	case d.BaseDN == "":
		add("base DN", Fail, "the provider has no base DN")
	case in.BaseDN != "" && !strings.EqualFold(d.BaseDN, in.BaseDN):
		add("base DN", Fail, "authentik has %q, the manifest %q; run apply", d.BaseDN, in.BaseDN)
	default:
		add("base DN", Pass, "%s", d.BaseDN)
	}
	var serving []plan.Outpost
	for _, o := range in.Live.Outposts {
		if o.Type == "ldap" && containsPK(o.Providers, prov.PK) {
			serving = append(serving, o)
		}
	}
	if len(serving) == 0 {
		add("served by an outpost", Fail, "no LDAP outpost serves provider %q: declare one under outposts: {name: …, type: ldap, providers: [%s]}", prov.Name, prov.Name)
	}
	for _, o := range serving {
		add("served by an outpost", Pass, "%s", o.Name)
		insts, err := s.OutpostHealth(ctx, o.PK)
		switch {
		case err != nil:
			add("outpost health", Fail, "%v", err)
		case len(insts) == 0:
			add("outpost health", Fail, "outpost %q has never connected to authentik: deploy it with its token (an outpost's outputs: {token: {file: …}} writes it)", o.Name)
		default:
			var hosts []string
			for _, i := range insts {
				h := i.Hostname + " " + i.Version
				if i.VersionOutdated {
					h += " (outdated)"
				}
				hosts = append(hosts, h)
			}
			add("outpost health", Pass, "%s: %s", o.Name, strings.Join(hosts, ", "))
		}
	}
	groupItems(add, in.Live, app, in.Groups)
	return items
}

// providerOf adds the first item: the application and its provider of the
// given type exist.
func providerOf(add func(string, Status, string, ...any), live *plan.Live, slug, typ, label string) (*plan.Application, *plan.Provider) {
	for i := range live.Applications {
		a := &live.Applications[i]
		if a.Slug != slug {
			continue
		}
		for j := range live.Providers {
			if p := &live.Providers[j]; p.PK == a.Provider && p.Type == typ {
				add("application and provider exist", Pass, "application %q, %s provider %q", a.Slug, label, p.Name)
				return a, p
			}
		}
	}
	add("application and provider exist", Fail, "application %q with a %s provider not found in authentik; run apply", slug, label)
	return nil, nil
}

var entityIDRE = regexp.MustCompile(`entityID="([^"]*)"`)

func entityID(meta string) string {
	if m := entityIDRE.FindStringSubmatch(meta); m != nil {
		return strings.NewReplacer("&amp;", "&", "&quot;", `"`, "&lt;", "<", "&gt;", ">", "&apos;", "'").Replace(m[1])
	}
	return ""
}

func keyPairName(live *plan.Live, pk string) string {
	for _, k := range live.KeyPairs {
		if k.PK == pk {
			return k.Name
		}
	}
	return fmt.Sprintf("key pair %s", pk)
}

func containsPK(pks []int32, pk int32) bool {
	for _, p := range pks {
		if p == pk {
			return true
		}
	}
	return false
}
