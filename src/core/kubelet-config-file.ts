/** A kubelet configuration file the nodes need, with where it goes. */
export interface KubeletConfigFile {
  /** Where the file goes on each node (or, for kubeadm patches, in the patches directory). */
  readonly path: string;
  /** The file's content. */
  readonly content: string;
  /** How to use it, in one line. */
  readonly usage: string;
}
