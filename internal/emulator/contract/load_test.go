package contract

import "testing"

func TestLoad(t *testing.T) {
	p, err := SchemaPath()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("schema: %s", p)
	v, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded in %v, %d paths", v.LoadTime, v.doc.Paths.Len())
}
