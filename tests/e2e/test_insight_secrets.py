"""Secrets never in logs: in Cloud and in Data Center mode, the daemon imports after a run that
Jira refused (a regenerated container token, a wrong password: 401) and a run that succeeded;
no token or password value appears in its output, in any state.dir file (insight-import.json
among them), in status --json or in check --online."""

import json
import os
import signal

import harness
from harness import PASSWORD, E2ETestCase, Simulator, run_insightd
from test_insight import CLOUD_TOKEN, DC_TOKEN, AssetsSim, insight_section

DC_USER = "jira-e2e-user"
DC_PASSWORD = "Jira&P@ss+w%rd=!~^$/:#"
WRONG_PASSWORD = "wrong-Jira-P@ssword"
EVERY_SECOND = "* * * * * *"


class SecretsNeverLogged(E2ETestCase):
    def start_assets(self):
        password_file = self.ws.path("assets-sim-password")
        harness.write_secret(password_file, DC_PASSWORD + "\n")
        return self.start(AssetsSim(self.ws, extra=["--dc-user", DC_USER,
                                                     "--dc-password-file", password_file]))

    def write_config(self, sim, section):
        section = section.replace(json.dumps(harness.NEVER), f'"{EVERY_SECOND}"')
        return self.ws.write_config(sim, extra=section)

    def daemon_imports_after_a_refused_run(self, config, fix_credentials):
        """Publishes, then runs the daemon: its insight job fails on a 401 once, the credentials
        are put right and reloaded, and an import succeeds. Returns every text to search."""
        published = run_insightd("run", "assets", "kb", "vm", config=config)
        self.assertEqual(published.returncode, 0, published.stderr)
        daemon = self.start(harness.Daemon(self.ws))
        daemon.log.wait_for(r"insight: run \S+ failed", timeout=30)
        fix_credentials()
        daemon.signal(signal.SIGHUP)
        daemon.log.wait_for(r"reloaded", timeout=15)
        daemon.log.wait_for(r"insight: run \S+ succeeded", timeout=30)
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())
        texts = {"publishing run": published.stdout + published.stderr,
                 "daemon output": daemon.log.text()}
        for command in (["status", "--json"], ["status"], ["check", "--online"]):
            result = run_insightd(*command, config=config)
            texts[" ".join(command)] = result.stdout + result.stderr
        for root, _, names in os.walk(self.ws.state):
            for name in names:
                path = os.path.join(root, name)
                texts[path] = harness.read_bytes(path).decode("utf-8", "replace")
        self.assertIn(self.ws.path("state", "insight-import.json"), texts)
        return texts

    def assert_never_in(self, texts, *secrets):
        for where, text in texts.items():
            for secret in secrets:
                self.assertNotIn(secret, text, f"a secret in {where}")

    def test_cloud_tokens_old_and_regenerated_are_never_logged_or_stored(self):
        sim = self.start(Simulator(self.ws))
        assets = self.start_assets()
        self.ws.write_credentials(PASSWORD)
        config = self.write_config(sim, insight_section(assets, "cloud"))
        new_token = assets.get("/__assets/cloud/regenerate-token", data=b"", method="POST")
        new_token = new_token.decode().strip()
        self.assertNotEqual(new_token, CLOUD_TOKEN)

        def put_the_new_token():
            harness.write_secret(assets.cloud_token, new_token + "\n")

        texts = self.daemon_imports_after_a_refused_run(config, put_the_new_token)
        self.assertIn("HTTP 401", texts["daemon output"])
        self.assert_never_in(texts, CLOUD_TOKEN, new_token, PASSWORD)

    def test_data_center_password_and_token_are_never_logged_or_stored(self):
        sim = self.start(Simulator(self.ws))
        assets = self.start_assets()
        self.ws.write_credentials(PASSWORD)
        login = self.ws.path("jira.login")
        harness.write_secret(login, f"{DC_USER} {WRONG_PASSWORD}\n")
        section = insight_section(assets, "datacenter").replace(
            f"  token_file: {json.dumps(assets.dc_token)}\n",
            f"  credentials_file: {json.dumps(login)}\n")
        self.assertIn("credentials_file", section)
        config = self.write_config(sim, section)

        def put_the_right_password():
            harness.write_secret(login, f"{DC_USER} {DC_PASSWORD}\n")

        texts = self.daemon_imports_after_a_refused_run(config, put_the_right_password)
        self.assertIn("HTTP 401", texts["daemon output"])
        self.assert_never_in(texts, DC_PASSWORD, WRONG_PASSWORD, DC_TOKEN, PASSWORD)


if __name__ == "__main__":
    harness.main()
