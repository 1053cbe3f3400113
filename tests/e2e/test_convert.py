"""`qualys-insightd convert`: saved API responses (fetched here from the simulator with our own
client) give the same files as `run` gives for the same data."""

import json
import os
import re
import urllib.parse

import harness
from harness import PASSWORD, E2ETestCase, Simulator, run_insightd

# The CSAM fields the assets job asks for (the rest come back null); the CSV only needs these.
INCLUDE_FIELDS = ("assetId,assetUUID,address,assetName,netbiosName,lastLoggedOnUser,"
                  "biosSerialNumber,biosAssetTag,operatingSystem,hardware,lastModifiedDate,"
                  "createdDate,hostId")


FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "qualys")


class Convert(E2ETestCase):
    @classmethod
    def setUpClass(cls):
        # One simulator, one `run all` and one set of saved responses for every test here.
        cls.ws_shared = harness.Workspace()
        try:
            cls.sim = Simulator(cls.ws_shared).__enter__()
            try:
                cls.ws_shared.write_credentials(PASSWORD)
                config = cls.ws_shared.write_config(cls.sim)
                result = run_insightd("run", "all", config=config)
                assert result.returncode == 0, result.stderr
                cls.run_output = cls.ws_shared.output
                cls.saved = {"kb": cls.save_kb(), "vm": cls.save_detections(),
                             "assets": cls.save_csam_pages()}
            finally:
                cls.sim.stop()
        except BaseException:
            cls.ws_shared.__exit__()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.ws_shared.__exit__()

    @classmethod
    def save(cls, name, body):
        path = cls.ws_shared.path(name)
        with open(path, "wb") as f:
            f.write(body)
        return path

    @classmethod
    def save_kb(cls):
        # Two QID windows, as the kb job asks for them.
        endpoint = "/api/4.0/fo/knowledge_base/vuln/"
        low = cls.sim.api_v2(endpoint, action="list", details="Basic", id_min="0",
                             id_max="10150")
        high = cls.sim.api_v2(endpoint, action="list", details="Basic", id_min="10151")
        return [cls.save("kb-1.xml", low), cls.save("kb-2.xml", high)]

    @classmethod
    def save_detections(cls):
        # Two pages: the first ends with the truncation WARNING whose URL carries id_min of the
        # next host; the second asks for all hosts from there.
        endpoint = "/api/5.0/fo/asset/host/vm/detection/"
        params = {"action": "list", "status": "New,Active,Re-Opened", "output_format": "XML"}
        first = cls.sim.api_v2(endpoint, truncation_limit="5", **params)
        match = re.search(rb"id_min=(\d+)", first)
        assert match, first[-2000:]
        second = cls.sim.api_v2(endpoint, truncation_limit="0", id_min=match.group(1).decode(),
                                **params)
        return [cls.save("hld-1.xml", first), cls.save("hld-2.xml", second)]

    @classmethod
    def save_csam_pages(cls):
        token = cls.sim.gateway_token()
        headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        pages, cursor = [], None
        while True:
            query = {"pageSize": "20", "includeFields": INCLUDE_FIELDS}
            if cursor is not None:
                query["lastSeenAssetId"] = str(cursor)
            status, _, body = cls.sim.request("/rest/2.0/search/am/asset?" +
                                              urllib.parse.urlencode(query), data=b"",
                                              headers=headers, method="POST")
            assert status == 200, (status, body[:300])
            pages.append(cls.save(f"csam-{len(pages) + 1}.json", body))
            page = json.loads(body)  # Python ints keep the ids above 2^53 exact
            if not page.get("hasMore"):
                return pages
            cursor = page["lastSeenAssetId"]
            assert len(pages) < 20, "CSAM paging does not end"

    def convert(self, kind, inputs, config=None):
        output = self.ws.path("converted")
        os.makedirs(output, exist_ok=True)  # convert, like run, publishes into an existing dir
        result = run_insightd("convert", kind, "--input", *inputs, "--output", output,
                              config=config)
        return result, output

    def check_same_as_run(self, kind):
        result, output = self.convert(kind, self.saved[kind])
        self.assertEqual(result.returncode, 0, result.stderr)
        names = harness.JOB_FILES[kind]
        self.assert_same_files(output, self.run_output, names)
        self.assert_same_files(output, self.expected(), names)
        self.assert_no_temp_files(output)
        for name in names:
            self.assertIn(name, result.stdout)
        # Every page but the last ends with a truncation WARNING; the last one completes them.
        self.assertNotIn("longer answer", result.stderr)

    def test_kb_responses_give_the_same_vulnkb_and_cve_files_as_run(self):
        self.check_same_as_run("kb")

    def test_detection_pages_give_the_same_vm_file_as_run(self):
        self.assertGreater(len(self.saved["vm"]), 1)
        self.check_same_as_run("vm")

    def test_csam_pages_give_the_same_assets_file_as_run(self):
        self.assertGreater(len(self.saved["assets"]), 1)
        self.check_same_as_run("assets")

    def test_with_a_config_convert_writes_exactly_what_run_writes(self):
        # output.double_backslashes: run doubles every '\' (the dataset has CORP\jdoe and
        # "C:\Program Files" titles); convert --config of the same responses must too.
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim)
        with open(config) as f:
            text = f.read()
        with open(config, "w") as f:
            f.write(text.replace("output: {dir: ", "output: {double_backslashes: true, dir: "))
        result = run_insightd("run", "all", config=config)
        self.assertEqual(result.returncode, 0, result.stderr)
        for name in ("assets.csv", "vulnkb.csv"):
            self.assertIn(b"\\\\", harness.read_bytes(os.path.join(self.ws.output, name)), name)
        for kind in ("assets", "kb", "vm"):
            with self.subTest(kind=kind):
                converted, output = self.convert(kind, self.saved[kind], config=config)
                self.assertEqual(converted.returncode, 0, converted.stderr)
                self.assert_same_files(output, self.ws.output, harness.JOB_FILES[kind])

    def test_a_last_page_with_warning_1980_is_converted_with_a_warning_naming_the_next_page(self):
        page = os.path.join(FIXTURES, "hld_truncated_warning.xml")
        result, output = self.convert("vm", [page])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("hld_truncated_warning.xml is one page of a longer answer", result.stderr)
        self.assertIn("the next page is https://qualysapi.example.test/api/5.0/fo/asset/host/vm/"
                      "detection/?action=list&truncation_limit=1&show_igs=0&id_min=7200002",
                      result.stderr)
        self.assertEqual(harness.read_bytes(os.path.join(output, "vm.csv")),
                         b'"Host ID","QG HostID","QID"\n'
                         b'"7200001","0a1b2c3d-0000-4000-8000-000000000099","42"\n')

    def test_a_saved_qualys_error_fails_and_publishes_nothing(self):
        error = self.ws.path("error.xml")
        with open(error, "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8" ?>\n'
                    "<SIMPLE_RETURN><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME>"
                    "<CODE>2001</CODE><TEXT>This account has expired.</TEXT></RESPONSE>"
                    "</SIMPLE_RETURN>\n")
        result, output = self.convert("kb", [self.saved["kb"][0], error])
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("error.xml", result.stderr)
        self.assertEqual(os.listdir(output), [])

    def test_a_truncated_document_fails_and_publishes_nothing(self):
        whole = harness.read_bytes(self.saved["vm"][1])
        cut = self.ws.path("cut.xml")
        with open(cut, "wb") as f:
            f.write(whole[: len(whole) // 2])
        result, output = self.convert("vm", [cut])
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(os.listdir(output), [])


if __name__ == "__main__":
    harness.main()
