/* bpf_sim.h: a classic-BPF interpreter for the unit tests, so that a
 * seccomp program can be run on a made-up syscall and its answer compared
 * with a golden table, the way libseccomp's own tests simulate filters. */
#ifndef FC_BPF_SIM_H
#define FC_BPF_SIM_H

#include <linux/filter.h>
#include <stdint.h>
#include <string.h>

/* The program's view of a syscall: the layout of struct seccomp_data. */
struct sim_data {
	int nr;
	uint32_t arch;
	uint64_t ip;
	uint64_t args[6];
};

#define BPF_SIM_BAD 0xdeadU

/* Runs p over d with only what seccomp allows (absolute word loads of
 * the data, scratch memory, ALU, jumps, RET). Returns the RET value, or
 * BPF_SIM_BAD on an instruction the kernel would not accept or on
 * running off the end. */
__attribute__((unused))
static uint32_t run_bpf(const struct sock_fprog *p, const struct sim_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	const unsigned char *bytes = (const unsigned char *)d;

	for (unsigned pc = 0; pc < p->len; pc++) {
		const struct sock_filter *f = &p->filter[pc];
		uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (BPF_MODE(f->code) == BPF_ABS && BPF_SIZE(f->code) == BPF_W &&
			    f->k + 4 <= sizeof *d && f->k % 4 == 0)
				memcpy(&a, bytes + f->k, 4);
			else if (BPF_MODE(f->code) == BPF_IMM)
				a = f->k;
			else if (BPF_MODE(f->code) == BPF_MEM && f->k < BPF_MEMWORDS)
				a = mem[f->k];
			else
				return BPF_SIM_BAD;
			break;
		case BPF_LDX:
			if (BPF_MODE(f->code) == BPF_IMM)
				x = f->k;
			else if (BPF_MODE(f->code) == BPF_MEM && f->k < BPF_MEMWORDS)
				x = mem[f->k];
			else
				return BPF_SIM_BAD;
			break;
		case BPF_ST:
			if (f->k >= BPF_MEMWORDS)
				return BPF_SIM_BAD;
			mem[f->k] = a;
			break;
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				return BPF_SIM_BAD;
			mem[f->k] = x;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_MUL: a *= src; break;
			case BPF_DIV:
				if (!src)
					return BPF_SIM_BAD;
				a /= src;
				break;
			case BPF_AND: a &= src; break;
			case BPF_OR: a |= src; break;
			case BPF_LSH: a <<= (src & 31); break;
			case BPF_RSH: a >>= (src & 31); break;
			case BPF_NEG: a = (uint32_t)-a; break;
			default: return BPF_SIM_BAD;
			}
			break;
		case BPF_JMP: {
			int taken;

			if (BPF_OP(f->code) == BPF_JA) {
				pc += f->k;
				break;
			}
			switch (BPF_OP(f->code)) {
			case BPF_JEQ: taken = a == src; break;
			case BPF_JGT: taken = a > src; break;
			case BPF_JGE: taken = a >= src; break;
			case BPF_JSET: taken = (a & src) != 0; break;
			default: return BPF_SIM_BAD;
			}
			pc += taken ? f->jt : f->jf;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? a : f->k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			return BPF_SIM_BAD;
		}
	}
	return BPF_SIM_BAD;
}

#endif
