package store

import (
	"encoding/json"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

const EmbeddedManaged = "goauthentik.io/outposts/embedded"

// Outposts, as authentik/outposts/api/outposts.py (OutpostSerializer,
// OutpostViewSet, OutpostFilter) on authentik/outposts/models.py (Outpost:
// Name and managed unique). The serializer's fields live in Attrs; config
// is kept verbatim as sent.
type Outpost struct {
	PK    string
	Attrs map[string]any // name, type, providers, service_connection, config, managed
	// Health are the states its running instances report (ConnectOutpost):
	// none, as no outpost process connects to the emulator.
	Health []map[string]any
}

func (o *Outpost) Name() string { return httpapi.FmtVal(o.Attrs["name"]) }

func (o *Outpost) Providers() []int32 { l, _ := o.Attrs["providers"].([]int32); return l }

func (o *Outpost) Config() json.RawMessage { r, _ := o.Attrs["config"].(json.RawMessage); return r }

func (o *Outpost) Embedded() bool { return o.Attrs["managed"] == EmbeddedManaged }

func (o *Outpost) setProviders(pks []int32) { o.Attrs["providers"] = pks }

func (s *State) OutpostByPK(pk string) *Outpost {
	for _, o := range s.Outposts {
		if strings.EqualFold(o.PK, pk) {
			return o
		}
	}
	return nil
}
