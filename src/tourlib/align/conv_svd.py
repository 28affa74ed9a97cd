"""The SVD of a multi-channel 2-D convolution via the FFT (Sedghi, Gupta & Long, 2018).

**The operator.** A convolution with kernel ``w`` (C_out×C_in×kh×kw) and *circular*
padding on H×W maps, written as in PyTorch (cross-correlation, ``p`` = pixels of
padding before the first row/column):

    y[o, n] = Σ_c Σ_m w[o, c, m] · x[c, (n + m − p) mod (H, W)]

is a linear map ``L`` from R^{C_in·H·W} to R^{C_out·H·W}; in tourlib's row-vector
convention ``y = x M`` with ``M = Lᵀ`` (flattening in C×H×W order).

**Block diagonalisation.** Let ``x̂[c, k]`` be the orthonormal 2-D DFT of channel c
(``scipy.fft.rfft2(..., norm="ortho")``), k = (k_h, k_w). The convolution theorem gives,
per frequency k, a C_out×C_in matrix ``A_k``:

    ŷ[:, k] = A_k x̂[:, k],   A_k[o, c] = e^{−2πi(k_h p_h/H + k_w p_w/W)} · conj(ŵ[o, c, k])

with ``ŵ`` the unnormalised DFT of the kernel zero-padded to H×W. The unitary DFT
turns ``L`` into the block-diagonal matrix diag(A_k), so the singular values of ``L``
are the union over the H·W frequencies of the singular values of the ``A_k``
(min(C_in, C_out) each), and its singular vectors are the blocks' singular vectors
placed at frequency k and mapped back by the inverse DFT.

**Real singular vectors.** Those vectors are complex: ``ũ[c, n] = q[c] e^{2πi k·n}/√(HW)``.
Because ``w`` is real, ``A_{−k} = conj(A_k)``: frequency −k has the conjugate singular
vectors and the same singular values. We therefore take one frequency k of each pair
{k, −k} and replace the complex pair (ũ, conj ũ) by the real, orthonormal pair
(√2 Re ũ, −√2 Im ũ) (same span, same singular value; ``L`` maps Re/Im of ũ to
σ·Re/Im of the matching output vector because ``L`` is real). Frequencies with
k ≡ −k (k_h ∈ {0, H/2}, k_w ∈ {0, W/2}, at most 4) have real blocks and real DFT
vectors (±1 patterns), and get a real SVD. This gives real orthonormal bases U
(input, C_in·H·W) and V (output, C_out·H·W) with ``M = U Σ Vᵀ`` exactly.

In coordinates: for a paired frequency, with ``z = x̂[:, k]ᵀ Q̄_k`` (Q_k the block's input
singular vectors), the two real coordinates are ``√2 Re z`` and ``√2 Im z``; for a
self-conjugate frequency, ``z`` itself. Coordinates are ordered by descending singular
value over all frequencies (ties in a fixed frequency order), then the null-space
coordinates; coordinate j of U and coordinate j of V are paired with σ_j, as in a
dense SVD. Nothing of size (C·H·W)² is ever formed: rotating N maps costs an FFT,
one C×C product per frequency and a permutation.

**Zero padding.** The DFT diagonalises *circular* convolutions only. A convolution
with zero padding that keeps the map size ("same") differs from the circular one only
in the outputs near the border, where the circular version wraps around. We align it
with the circular operator's bases: the endpoints are still the exact activations
rotated (``X U`` and ``Y V``), only the motion between them is not a pure per-axis
scaling any more; the departure is bounded by the relative size of the border terms
(measured in :mod:`tourlib.align.conv_padding` and ``benchmarks/bench_conv_svd.py``).
An output smaller than the input ("valid", as in the Grand Tour article's networks)
equals the circular output cropped; we embed it into the full H×W map at its own
positions (zeros at the cropped border: :class:`~tourlib.align.basis.CoordinateEmbedding`).
Strided convolutions are not block-diagonalised by one DFT; use the dense method.
"""

from __future__ import annotations

import numpy as np
import scipy.fft

from .basis import Basis, CoordinateEmbedding
from .checks import as_rows
from .transition import Alignment

__all__ = ["ConvSVD", "FourierBasis", "conv_svd", "full_kernel"]

_SQRT2 = np.sqrt(2.0)


def full_kernel(weight, *, dilation=(1, 1), groups: int = 1) -> np.ndarray:
    """The dense C_out×C_in×kh'×kw' kernel of a grouped and/or dilated convolution.

    Groups become a block-diagonal kernel (zeros between groups); dilation d inserts
    d − 1 zero rows/columns between taps, so the kernel spans d·(k − 1) + 1 pixels.
    """
    w = np.asarray(weight, dtype=np.float64)
    if w.ndim != 4:
        raise ValueError(f"weight must be 4-D (C_out, C_in/groups, kh, kw), got shape {w.shape}")
    c_out, c_in_g, kh, kw = w.shape
    if c_out % groups:
        raise ValueError(f"groups={groups} must divide C_out={c_out}")
    dh, dw = dilation
    full = np.zeros((c_out, c_in_g * groups, dh * (kh - 1) + 1, dw * (kw - 1) + 1))
    per = c_out // groups
    for g in range(groups):
        full[g * per:(g + 1) * per, g * c_in_g:(g + 1) * c_in_g, ::dh, ::dw] = w[g * per:(g + 1) * per]
    return full


class _FrequencyLayout:
    """Which frequencies of the ``rfft2`` grid (H × (W//2 + 1)) represent the real space.

    ``paired``: one frequency of each pair {k, −k}, two real coordinates per channel.
    ``selfconj``: k ≡ −k, one real coordinate per channel.
    ``dup`` / ``dup_src``: grid entries (in the k_w = 0 and k_w = W/2 columns) that are
    the conjugates of ``dup_src`` entries; they are filled in before the inverse FFT.
    All are flat indices ``k_h · (W//2 + 1) + k_w``.
    """

    def __init__(self, H: int, W: int):
        self.H, self.W, self.Wr = H, W, W // 2 + 1
        kh, kw = np.meshgrid(np.arange(H), np.arange(self.Wr), indexing="ij")
        kh, kw = kh.ravel(), kw.ravel()
        self_col = (kw == 0) | (2 * kw == W)
        self_row = (kh == 0) | (2 * kh == H)
        first_half = 2 * kh < H
        self.selfconj = np.flatnonzero(self_col & self_row)
        self.paired = np.flatnonzero(~self_col | (self_col & ~self_row & first_half))
        dup = np.flatnonzero(self_col & ~self_row & ~first_half)
        self.dup = dup
        self.dup_src = ((H - kh[dup]) % H) * self.Wr + kw[dup]
        self.kh_of, self.kw_of = kh, kw
        assert 2 * len(self.paired) + len(self.selfconj) == H * W


class ConvSVD:
    """SVD of a circular 2-D convolution on C_in×H×W maps, computed per DFT frequency.

    Parameters
    ----------
    weight
        Kernel ``C_out × C_in/groups × kh × kw`` (PyTorch layout), real.
    in_shape
        ``(C_in, H, W)`` of one input map. The kernel (after dilation) must fit in H×W.
    offset
        ``(p_h, p_w)``: the pixels of padding before the first row/column, i.e. output
        pixel n reads input pixels n + m − p. ``(k − 1)//2`` for odd "same" kernels.
    dilation, groups
        As in PyTorch; expanded into a dense kernel by :func:`full_kernel`.

    Attributes
    ----------
    s
        All min(C_in, C_out)·H·W singular values, descending (coordinate j of :attr:`U`
        and of :attr:`V` go with ``s[j]``; the remaining coordinates of the wider side span
        the null space of M, resp. of Mᵀ).
    U, V
        :class:`FourierBasis` of the input and output spaces: ``M = U diag(s) Vᵀ``.
    """

    def __init__(self, weight, in_shape, *, offset=(0, 0), dilation=(1, 1), groups: int = 1):
        C, H, W = (int(v) for v in in_shape)
        K = full_kernel(weight, dilation=tuple(dilation), groups=int(groups))
        c_out, c_in, kh, kw = K.shape
        if c_in != C:
            raise ValueError(f"the kernel takes {c_in} input channels but in_shape has C={C}")
        if kh > H or kw > W:
            raise ValueError(
                f"the (dilated) kernel {kh}×{kw} is larger than the {H}×{W} map; the circular "
                "operator would alias taps. Use the dense method for such layers"
            )
        self.c_in, self.c_out, self.H, self.W = c_in, c_out, H, W
        self.offset = (int(offset[0]), int(offset[1]))
        lay = self.layout = _FrequencyLayout(H, W)

        Kpad = np.zeros((c_out, c_in, H, W))
        Kpad[:, :, :kh, :kw] = K
        What = scipy.fft.rfft2(Kpad, workers=1).reshape(c_out, c_in, -1)  # unnormalised
        phase = np.exp(-2j * np.pi * (lay.kh_of * self.offset[0] / H + lay.kw_of * self.offset[1] / W))
        A = np.conj(What) * phase  # A[:, :, f] is the block of frequency f
        A = np.moveaxis(A, -1, 0)  # (F, c_out, c_in)

        # Paired frequencies: complex SVD. Self-conjugate ones: real blocks, real SVD.
        P_p, s_p, Qh_p = np.linalg.svd(A[lay.paired], full_matrices=True)
        P_s, s_s, Qh_s = np.linalg.svd(A[lay.selfconj].real, full_matrices=True)
        # Row-vector coordinate maps z = x̂ @ B (input: B = Q̄ = Qhᵀ; output: B = P̄). We store
        # the transposes, applied on the left to x̂ᵀ (frequency × channel × point arrays):
        # zᵀ = Bᵀ x̂ᵀ, and back x̂ᵀ = B̄ zᵀ (B unitary, so (Bᵀ)⁻¹ = B̄; real B orthogonal: B).
        self._maps = {
            "in": (Qh_p, Qh_s),
            "out": (np.conj(np.swapaxes(P_p, -1, -2)), np.swapaxes(P_s, -1, -2).copy()),
        }
        self._cast = {}
        self.m = min(c_in, c_out)

        sig_in, self._perm_in = self._order(s_p, s_s, c_in)
        sig_out, self._perm_out = self._order(s_p, s_s, c_out)
        n_pair = H * W * self.m
        self.s = sig_in[:n_pair]
        assert np.array_equal(self.s, sig_out[:n_pair])
        self.U = FourierBasis(self, "in")
        self.V = FourierBasis(self, "out")

    def _order(self, s_p, s_s, c):
        """Permutation from the natural layout [Re (F_p·c), Im (F_p·c), self (F_s·c)] to the
        final one (paired coordinates by descending σ, then the null coordinates)."""
        Fp, Fs = len(s_p), len(s_s)
        sig_p = np.full((Fp, c), -1.0)
        sig_p[:, : self.m] = s_p
        sig_s = np.full((Fs, c), -1.0)
        sig_s[:, : self.m] = s_s
        sig = np.concatenate([sig_p.ravel(), sig_p.ravel(), sig_s.ravel()])
        key = np.where(sig >= 0, -sig, np.inf)  # null coordinates (−1) go last
        perm = np.argsort(key, kind="stable")
        return sig[perm], perm

    @property
    def in_dim(self) -> int:
        return self.c_in * self.H * self.W

    @property
    def out_dim(self) -> int:
        return self.c_out * self.H * self.W

    # -- applying the bases -------------------------------------------------------------

    def _side(self, side: str, dtype):
        """(channels, Bᵀ paired, Bᵀ self-conjugate, permutation) for one side, in ``dtype``."""
        key = (side, np.dtype(dtype))
        if key not in self._cast:
            Bt_p, Bt_s = self._maps[side]
            cdt = np.complex64 if dtype == np.float32 else np.complex128
            self._cast[key] = (Bt_p.astype(cdt), Bt_s.astype(dtype))
        c = self.c_in if side == "in" else self.c_out
        perm = self._perm_in if side == "in" else self._perm_out
        return (c, *self._cast[key], perm)

    def _chunk(self, c: int, itemsize: int) -> int:
        # Per-chunk temporaries of ≈ 9 MB: large enough for efficient per-frequency matrix
        # products (measured best at 16 rows in float64, 32 in float32 for 64×32×32 maps),
        # small enough for the allocator to reuse memory between chunks instead of mapping
        # (and page-faulting) fresh blocks.
        return max(1, int(9e6 // (c * self.H * self.layout.Wr * 2 * itemsize)))

    def _rotate(self, X: np.ndarray, side: str) -> np.ndarray:
        dtype = np.float32 if X.dtype == np.float32 else np.float64
        c, Bt_p, Bt_s, perm = self._side(side, dtype)
        lay, N = self.layout, len(X)
        Fp, Fs = len(lay.paired), len(lay.selfconj)
        out = np.empty((N, c * self.H * self.W), dtype=dtype)
        chunk = self._chunk(c, np.dtype(dtype).itemsize)
        nat = np.empty((c * self.H * self.W, chunk), dtype=dtype)  # natural layout, transposed
        for lo in range(0, N, chunk):
            x = X[lo:lo + chunk].reshape(-1, c, self.H, self.W)
            n = len(x)
            xfT = scipy.fft.rfft2(x, norm="ortho", workers=1).reshape(n, c, -1).transpose(2, 1, 0)
            zp = np.matmul(Bt_p, np.take(xfT, lay.paired, axis=0))  # (Fp, c, n): zᵀ = Bᵀ x̂ᵀ
            zs = np.matmul(Bt_s, np.take(xfT, lay.selfconj, axis=0).real)  # (Fs, c, n)
            nv = nat[:, :n]
            np.multiply(zp.real.reshape(Fp * c, n), _SQRT2, out=nv[: Fp * c])
            np.multiply(zp.imag.reshape(Fp * c, n), _SQRT2, out=nv[Fp * c: 2 * Fp * c])
            nv[2 * Fp * c:] = zs.reshape(Fs * c, n)
            out[lo:lo + n] = np.take(nv, perm, axis=0).T
        return out

    def _unrotate(self, Z: np.ndarray, side: str) -> np.ndarray:
        dtype = np.float32 if Z.dtype == np.float32 else np.float64
        c, Bt_p, Bt_s, perm = self._side(side, dtype)
        inv_p, inv_s = np.conj(Bt_p.swapaxes(-1, -2)), Bt_s.swapaxes(-1, -2)
        inv_perm = np.argsort(perm)
        lay, N = self.layout, len(Z)
        Fp, Fs = len(lay.paired), len(lay.selfconj)
        out = np.empty((N, c * self.H * self.W), dtype=dtype)
        chunk = self._chunk(c, np.dtype(dtype).itemsize)
        for lo in range(0, N, chunk):
            natT = np.take(Z[lo:lo + chunk].T, inv_perm, axis=0)  # (HWc, n), natural layout
            n = natT.shape[1]
            zp = natT[: Fp * c].reshape(Fp, c, n) + 1j * natT[Fp * c: 2 * Fp * c].reshape(Fp, c, n)
            xfT = np.empty((self.H * lay.Wr, c, n), dtype=zp.dtype)
            xfT[lay.paired] = np.matmul(inv_p, zp) / _SQRT2
            xfT[lay.selfconj] = np.matmul(inv_s, natT[2 * Fp * c:].reshape(Fs, c, n))
            xfT[lay.dup] = np.conj(xfT[lay.dup_src])
            xf = xfT.transpose(2, 1, 0).reshape(n, c, self.H, lay.Wr)
            x = scipy.fft.irfft2(xf, s=(self.H, self.W), norm="ortho", workers=1)
            out[lo:lo + n] = x.reshape(n, -1)
        return out

    def apply(self, X) -> np.ndarray:
        """The circular convolution (no bias) of rows ``X``, computed as ``X U Σ Vᵀ``."""
        Z = self.U.rotate(X)
        out = np.zeros((len(Z), self.out_dim))
        out[:, : len(self.s)] = Z[:, : len(self.s)] * self.s
        return self.V.unrotate(out)

    def alignment(self, bias=None, *, out_embedding: CoordinateEmbedding | None = None,
                  exact: bool = True) -> Alignment:
        """The :class:`~tourlib.align.transition.Alignment` with ``U``, ``V``, σ and the rotated
        bias ``embed(b) V`` (b repeated over the pixels of each output channel)."""
        shift = None
        if bias is not None:
            b = np.asarray(bias, dtype=np.float64).reshape(-1)
            if b.shape != (self.c_out,):
                raise ValueError(f"bias must have C_out={self.c_out} entries, got {b.size}")
            if out_embedding is None:
                bmap = np.repeat(b, self.H * self.W)[None, :]
            else:
                rows = out_embedding.in_dim // self.c_out
                bmap = out_embedding.embed(np.repeat(b, rows)[None, :])
            shift = self.V.rotate(bmap)[0]
        return Alignment(kind="conv", in_basis=self.U, out_basis=self.V, out_embedding=out_embedding,
                         scales=self.s, shift=shift, exact=exact)


class FourierBasis(Basis):
    """The input (``side="in"``, U) or output (``side="out"``, V) basis of a :class:`ConvSVD`,
    applied by FFT, per-frequency products and a permutation (never as a dense matrix).

    ``rotate(X) = X @ U`` for rows ``X`` of flattened C×H×W maps; ``unrotate`` is its inverse.
    """

    def __init__(self, svd: ConvSVD, side: str):
        if side not in ("in", "out"):
            raise ValueError(f"side must be 'in' or 'out', got {side!r}")
        self.svd, self.side = svd, side
        self.dim = svd.in_dim if side == "in" else svd.out_dim

    def rotate(self, X):
        """``X @ B``; float32 rows stay float32 (computed in complex64), others float64."""
        return self.svd._rotate(as_rows(X, "X", width=self.dim, keep_float32=True), self.side)

    def unrotate(self, Z):
        return self.svd._unrotate(as_rows(Z, "Z", width=self.dim, keep_float32=True), self.side)

    def __repr__(self):
        s = self.svd
        c = s.c_in if self.side == "in" else s.c_out
        return f"FourierBasis({self.side}, {c}×{s.H}×{s.W})"


def conv_svd(weight, in_shape, *, offset=(0, 0), dilation=(1, 1), groups: int = 1) -> ConvSVD:
    """Shorthand for :class:`ConvSVD` (see there)."""
    return ConvSVD(weight, in_shape, offset=offset, dilation=dilation, groups=groups)
