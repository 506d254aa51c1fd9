"""The reverse proxy configuration in docs/deployment.md is valid nginx (`nginx -t`)."""

import re
import shutil
import subprocess

import pytest

from conftest import ROOT

DOC = ROOT / "docs" / "deployment.md"


def _block() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", DOC.read_text(), flags=re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_the_documented_nginx_config_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx", path="/usr/sbin:/usr/bin:/sbin:/bin")
    if nginx is None:
        pytest.skip("nginx is not installed (scripts/test-deps.sh installs Debian's nginx-light)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True)
    site = _block()
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {tmp_path / 'cert.pem'};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {tmp_path / 'key.pem'};", site)
    site = re.sub(r"error_log\s+\S+", f"error_log {tmp_path / 'site-error.log'}", site)
    assert "access_log off;" in site and "client_header_timeout" in site and "client_body_timeout" in site
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path / 'nginx.pid'};\nevents {{}}\nhttp {{\n{site}\n}}\n")
    done = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
