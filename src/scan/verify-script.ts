/**
 * The page's own script (served at /assets/verify.js, allowed by the page's CSP as 'self'): it checks
 * in the phone's browser that the batch's story is in the signed ledger. Kept as a string so the build
 * ships it with the service; it uses only WebCrypto.
 */
export const VERIFY_SCRIPT = String.raw`// Checks, in the phone's own browser, that this batch's story is in the signed ledger (LEDGER-SPEC):
// every entry's hash, the batch's chain, the newest entry's inclusion in a checkpoint's Merkle tree,
// and the checkpoint's Ed25519 signature. Plain WebCrypto; nothing is fetched from elsewhere.
(function () {
  'use strict';
  var badge = document.getElementById('badge');
  if (!badge || !window.crypto || !crypto.subtle || !window.fetch) return;
  var zh = document.documentElement.lang !== 'en';
  var say = function (ok, zhText, enText) {
    badge.textContent = zh ? zhText : enText;
    badge.className = 'badge ' + (ok ? 'ok' : 'bad');
    badge.setAttribute('data-state', ok ? 'verified' : 'failed');
  };
  var enc = new TextEncoder();
  var hex = function (buf) {
    return Array.prototype.map.call(new Uint8Array(buf), function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  };
  var bytes = function (h) {
    var out = new Uint8Array(h.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
    return out;
  };
  var b64 = function (s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  };
  var concat = function (parts) {
    var n = parts.reduce(function (a, p) { return a + p.length; }, 0), out = new Uint8Array(n), o = 0;
    parts.forEach(function (p) { out.set(p, o); o += p.length; });
    return out;
  };
  var sha256 = function (data) { return crypto.subtle.digest('SHA-256', data).then(function (d) { return new Uint8Array(d); }); };
  var s = JSON.stringify;
  // RFC 8785 of the nine envelope members, whose order and types are fixed.
  var canonical = function (e) {
    return '{"actor":' + s(e.actor) + ',"batchId":' + s(e.batchId) + ',"batchPrevHash":' + s(e.batchPrevHash) +
      ',"payloadHash":' + s(e.payloadHash) + ',"prevHash":' + s(e.prevHash) + ',"recordedAt":' + s(e.recordedAt) +
      ',"seq":' + e.seq + ',"type":' + s(e.type) + ',"v":' + e.v + '}';
  };
  var equal = function (a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  // RFC 9162 §2.1.3.2
  var rootFromInclusion = async function (leaf, index, size, proof) {
    if (index >= size) throw new Error('leaf index beyond tree size');
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < proof.length; i++) {
      var p = proof[i];
      if (sn === 0) throw new Error('proof too long');
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(concat([new Uint8Array([1]), p, r]));
        if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        r = await sha256(concat([new Uint8Array([1]), r, p]));
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw new Error('proof too short');
    return r;
  };

  async function verify(bundle) {
    var entries = bundle.entries, previous = null;
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      var h = hex(await sha256(enc.encode(canonical(e))));
      if (h !== e.hash) return ['记录 ' + e.seq + ' 的哈希与内容不符', 'entry ' + e.seq + ': its hash does not match its contents'];
      if (e.batchPrevHash !== previous) return ['记录 ' + e.seq + ' 与本批次上一条记录的链接断开', 'entry ' + e.seq + ': the link to the batch\u2019s previous entry is broken'];
      previous = h;
    }
    var newest = entries[entries.length - 1];
    var lines = bundle.signedNote.split('\n');
    var origin = lines[0], size = Number(lines[1]), root = b64(lines[2]);
    if (origin !== bundle.origin || lines[3] !== '') return ['检查点格式不对', 'the checkpoint is malformed'];
    if (bundle.inclusion.treeSize !== size || bundle.inclusion.leafIndex !== newest.seq - 1) return ['包含证明与检查点不对应', 'the inclusion proof does not match the checkpoint'];
    var leaf = await sha256(concat([new Uint8Array([0]), bytes(newest.hash)]));
    var computed;
    try {
      computed = await rootFromInclusion(leaf, bundle.inclusion.leafIndex, size, bundle.inclusion.hashes.map(bytes));
    } catch (err) {
      return ['包含证明无效：' + err.message, 'the inclusion proof is invalid: ' + err.message];
    }
    if (!equal(computed, root)) return ['本批次记录不在已签名的账本中', 'the batch\u2019s newest entry is not in the signed ledger tree'];
    // The signature: "— <name> base64(key id || signature)" over the body (first three lines).
    // <name>+<key id>+<base64(0x01 || key)>: the base64 part may itself hold '+'.
    var parts = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(bundle.verifierKey);
    if (!parts) return ['验证密钥格式不对', 'the verifier key is malformed'];
    parts = parts.slice(1);
    var keyBytes = b64(parts[2]);
    var body = enc.encode(lines.slice(0, 3).join('\n') + '\n');
    var sigLine = lines.find(function (l) { return l.indexOf('\u2014 ' + parts[0] + ' ') === 0; });
    if (!sigLine) return ['检查点没有该密钥的签名', 'the checkpoint has no signature by the published key'];
    var sig = b64(sigLine.split(' ')[2]);
    if (hex(sig.slice(0, 4)) !== parts[1]) return ['签名密钥编号不符', 'the signature\u2019s key id does not match the published key'];
    var key;
    try {
      key = await crypto.subtle.importKey('raw', keyBytes.slice(1), { name: 'Ed25519' }, false, ['verify']);
    } catch (err) {
      return [null, '本浏览器不支持 Ed25519，无法核对检查点签名；其余校验已通过', 'this browser cannot check Ed25519 signatures; everything else verified'];
    }
    var ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, sig.slice(4), body);
    if (!ok) return ['检查点签名无效', 'the checkpoint\u2019s signature does not verify'];
    return null;
  }

  // The scan count: one per page opened, counted by the server without anything about the scanner.
  var counter = document.getElementById('scans');
  if (counter) {
    fetch(location.pathname.replace(/\/$/, '') + '/scans', { method: 'POST' })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (c) {
        if (!c) return;
        counter.textContent = zh ? '已被扫描 ' + c.scans + ' 次，首次于 ' + c.since : 'Scanned ' + c.scans + ' times, first on ' + c.since;
        if (!c.plausible) {
          var warn = document.createElement('p');
          warn.className = 'badge bad';
          warn.id = 'counterfeit';
          warn.textContent = zh ? '此码被扫描的次数远超该批次的数量，可能是仿冒标签，请向商家或监管部门核实。' : 'This code has been scanned far more often than this batch makes plausible: the label may be copied. Check with the shop or the regulator.';
          counter.parentNode.insertBefore(warn, counter.nextSibling);
        }
      })
      .catch(function () {});
  }

  fetch(location.pathname.replace(/\/$/, '') + '/proof.json', { headers: { accept: 'application/json' } })
    .then(function (res) { if (!res.ok) throw new Error('HTTP ' + res.status); return res.json(); })
    .then(verify)
    .then(function (problem) {
      if (!problem) {
        return say(true, '已在本机校验：本批次记录完整，且在已签名的账本中', 'Verified on this device: the batch\u2019s records are intact and in the signed ledger');
      }
      if (problem[0] === null) return say(true, problem[1], problem[2]);
      say(false, '校验失败：' + problem[0], 'Verification failed: ' + problem[1]);
    })
    .catch(function (err) { say(false, '无法校验：' + err.message, 'Could not verify: ' + err.message); });
})();
`;
